import streamlit as st
st.title("projector")
